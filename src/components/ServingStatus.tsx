import { useStore } from '../store';
import { reloadToUpdate } from '../serving/register';

/** Offline, a waiting new version, the one reload for isolation: said where the user looks first. */
export function ServingStatus() {
  const serving = useStore((s) => s.serving);
  return (
    <div className="serving">
      {serving.offline && (
        <p className="serving-offline" data-testid="offline" role="status">
          {serving.offlineReady
            ? 'Offline: running from this browser’s copy of the app and its data (trained models and your files are kept here too).'
            : 'Offline: this page has no offline copy yet, so a reload will fail until the network is back.'}
        </p>
      )}
      {serving.offlineReady && !serving.offline && (
        <p className="muted" data-testid="offline-ready">
          Kept in this browser: the page opens without network too.
        </p>
      )}
      {serving.updateReady && (
        <p className="serving-update" role="status" data-testid="update-ready">
          A new version is ready —{' '}
          <button type="button" onClick={reloadToUpdate}>
            reload
          </button>
        </p>
      )}
      {serving.reloading && (
        <p className="serving-reload" role="status" data-testid="isolation-reload">
          Reloading once: the service worker now serves this page with the headers that allow threads (cross-origin isolation).
        </p>
      )}
    </div>
  );
}
