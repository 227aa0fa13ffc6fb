import { useStore } from '../store';

export function Notices() {
  const notices = useStore((s) => s.notices);
  const dismiss = useStore((s) => s.dismiss);
  if (!notices.length) return null;
  return (
    <div className="notices">
      {notices.map((n, i) => (
        <div key={i} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
          <span>{n.text}</span>
          <button type="button" onClick={() => dismiss(i)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
