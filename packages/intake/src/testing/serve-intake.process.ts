// A standalone intake server for tests that kill it: node serve-intake.process.js <home> <port>
import { openIntake, serveIntake } from '../server/intake-runtime.js';

const [home, port] = process.argv.slice(2);
const intake = await openIntake({ home: home!, databaseUrl: process.env.CUSTODIA_INTAKE_DATABASE_URL || undefined });
const served = await serveIntake(intake, Number(port ?? 0));
process.stdout.write(`listening ${served.port}\n`);
