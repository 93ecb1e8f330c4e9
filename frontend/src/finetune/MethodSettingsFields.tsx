/** The chosen method's own settings (IA3 has none). */
import { Field, invalidProps, type FieldErrors } from './fieldErrors';
import { METHOD_SETTINGS, SETTING_FIELDS, type SettingsDraft } from './methods';
import type { SettingName, TuneMethod } from './types';

export function MethodSettingsFields({
  method,
  label,
  draft,
  errors,
  onChange,
}: {
  method: TuneMethod;
  label: string;
  draft: SettingsDraft;
  errors: FieldErrors;
  onChange: (name: SettingName, value: string) => void;
}) {
  const names = METHOD_SETTINGS[method];
  return (
    <div className="ft-method-settings" data-testid="method-settings" aria-label={`${label} settings`} role="group">
      {names.length === 0 ? (
        <p className="muted">{label} has no settings: it learns one scaling vector per adapted layer.</p>
      ) : (
        <div className="ft-fields ft-fields-row">
          {names.map((name) => {
            const field = `method_settings.${name}`;
            const spec = SETTING_FIELDS[name];
            return (
              <Field key={name} field={field} label={spec.label} hint={spec.hint} errors={errors}>
                <input
                  {...invalidProps(field, errors)}
                  inputMode={spec.kind === 'list' ? 'text' : 'decimal'}
                  className={spec.kind === 'list' ? 'ft-wide mono' : 'ft-narrow'}
                  value={draft[name]}
                  onChange={(e) => onChange(name, e.target.value)}
                />
              </Field>
            );
          })}
        </div>
      )}
      {errors.method_settings && (
        <span className="ft-field-error" data-testid="field-error-method_settings">
          {errors.method_settings}
        </span>
      )}
    </div>
  );
}
