import { invalid } from '@custodia/core';

/**
 * Reads a passphrase from $CUSTODIA_IDENTITY_PASSPHRASE (scripts) or from the terminal without echo.
 */
export async function readPassphrase(prompt: string, opts: { confirm?: boolean } = {}): Promise<string> {
  const fromEnv = process.env.CUSTODIA_IDENTITY_PASSPHRASE;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) throw invalid('no terminal to ask the passphrase on: set CUSTODIA_IDENTITY_PASSPHRASE');
  const first = await ask(prompt);
  if (opts.confirm && (await ask('Again: ')) !== first) throw invalid('the two passphrases differ');
  return first;
}

function ask(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const onData = (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          done();
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          done();
          reject(invalid('cancelled'));
          return;
        }
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
    };
    stdin.on('data', onData);
  });
}
