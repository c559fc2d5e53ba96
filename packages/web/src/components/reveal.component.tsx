// Trauma-aware media: blurred, greyscale and (for video) muted until the viewer chooses to see it.
// The per-user setting "revealMedia" turns this off; each reveal is a deliberate click otherwise.
import { useState, type ReactNode } from 'react';
import { useT } from '../i18n/i18n.js';
import { useSession } from '../session.js';

export function Reveal({ children, className, onReveal }: { children: (revealed: boolean) => ReactNode; className?: string; onReveal?: (r: boolean) => void }) {
  const t = useT();
  const { settings } = useSession();
  const [revealed, setRevealed] = useState(settings.revealMedia);
  const set = (r: boolean) => {
    setRevealed(r);
    onReveal?.(r);
  };
  return (
    <div className={`reveal ${revealed ? 'is-revealed' : 'is-veiled'} ${className ?? ''}`} data-revealed={revealed}>
      {children(revealed)}
      {!revealed && (
        <button type="button" className="reveal-button" onClick={() => set(true)} title={t('media.revealHint')}>
          <span aria-hidden="true">◐</span> {t('media.reveal')}
        </button>
      )}
      {revealed && !settings.revealMedia && (
        <button type="button" className="reveal-hide" onClick={() => set(false)}>
          {t('media.hide')}
        </button>
      )}
    </div>
  );
}
