import { useEffect, useId, useState } from 'react';

interface Props {
  label: string;
  value: number | undefined;
  onChange: (v: number | undefined) => void;
  min?: number;
  max?: number;
  step?: number;
  optional?: boolean;
  disabled?: boolean;
  hint?: string;
}

/**
 * A labelled number input. The text is the user's while they type ("0.", "1e-"); a valid number is
 * committed at once, out-of-range values are clamped on blur, and an empty optional field means "off".
 */
export function NumberField({ label, value, onChange, min, max, step, optional, disabled, hint }: Props) {
  const id = useId();
  const [draft, setDraft] = useState(value === undefined ? '' : String(value));
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setDraft(value === undefined ? '' : String(value));
  }, [value, focused]);

  const clamp = (v: number) => Math.min(max ?? Infinity, Math.max(min ?? -Infinity, v));
  const commit = (raw: string, final: boolean) => {
    if (raw.trim() === '') {
      if (optional) onChange(undefined);
      else if (final) setDraft(value === undefined ? '' : String(value));
      return;
    }
    const v = Number(raw);
    if (!Number.isFinite(v)) {
      if (final) setDraft(value === undefined ? '' : String(value));
      return;
    }
    const c = clamp(v);
    if (c === v || final) onChange(c);
    if (final) setDraft(String(c));
  };

  return (
    <div className="field">
      <label htmlFor={id} title={hint}>
        {label}
      </label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={draft}
        disabled={disabled}
        placeholder={optional ? 'off' : undefined}
        aria-describedby={hint ? `${id}-hint` : undefined}
        data-step={step}
        onFocus={() => setFocused(true)}
        onBlur={(e) => {
          setFocused(false);
          commit(e.target.value, true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit((e.target as HTMLInputElement).value, true);
        }}
        onChange={(e) => {
          setDraft(e.target.value);
          commit(e.target.value, false);
        }}
      />
      {hint && (
        <span id={`${id}-hint`} className="sr-only">
          {hint}
        </span>
      )}
    </div>
  );
}
