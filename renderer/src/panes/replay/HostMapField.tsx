import { parseHostMapText, useReplayHostMap } from '../../store/replay-host-map';
import './replay-extras.css';

/**
 * Where requests recorded for a host go, for bundles with several ingress services (like
 * `repro replay --host-map`). Empty: hosts that are service names go to that service, any other
 * host (127.0.0.1:PORT, a public name) to the bundle's ingress service.
 */
export function HostMapField({ disabled }: { disabled?: boolean }) {
  const { text, setText } = useReplayHostMap();
  const { error } = parseHostMapText(text);
  return (
    <label className="replay-host-map">
      Host map
      <input
        type="text"
        aria-label="Host map"
        aria-describedby="replay-host-map-help"
        aria-invalid={error ? true : undefined}
        placeholder="HOST[:PORT]=SERVICE, …"
        value={text}
        onChange={(e) => setText(e.target.value)}
        disabled={disabled}
        spellCheck={false}
      />
      <span id="replay-host-map-help" className={error ? 'error small' : 'muted small'}>
        {error ?? 'Optional. Other hosts go to the ingress service.'}
      </span>
    </label>
  );
}
