/** Upload an adapter trained elsewhere (a .zip of a peft adapter: adapter_config.json and
 * adapter_model.safetensors) to serve it here as base+name. */
import { useEffect, useRef, useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';
import { useSession } from '../session';
import { getMethods, uploadAdapter } from './api';
import { Field, fieldErrorsOf, invalidProps } from './fieldErrors';
import type { FineTuneJob } from './types';

const PLACED = ['name', 'base_model', 'file'];

export function UploadAdapterDialog({ onClose, onUploaded }: { onClose: () => void; onUploaded: (job: FineTuneJob) => void }) {
  const { workspaceId } = useSession();
  const [baseModels, setBaseModels] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [baseModel, setBaseModel] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    getMethods(workspaceId, '', controller.signal)
      .then((catalog) => {
        setBaseModels(catalog.base_models);
        setBaseModel((current) => current || catalog.base_models[0] || '');
      })
      .catch(() => undefined);
    nameRef.current?.focus();
    return () => controller.abort();
  }, [workspaceId]);

  const errors = fieldErrorsOf(error);
  const unplaced = Object.keys(errors).length === 0 || Object.keys(errors).some((f) => !PLACED.includes(f));

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    uploadAdapter(workspaceId, { name: name.trim(), base_model: baseModel, file })
      .then(onUploaded)
      .catch((err: unknown) => {
        setError(err);
        setBusy(false);
      });
  };

  return (
    <Modal labelledBy="upload-title" onClose={onClose} onSubmit={submit}>
      <header className="modal-head">
        <h2 id="upload-title">Upload an adapter</h2>
        <button type="button" className="icon-btn" aria-label="Close" title="Close (Esc)" onClick={onClose}>
          ×
        </button>
      </header>
      <p className="muted small">
        A .zip of a PEFT adapter — <code>adapter_config.json</code> and <code>adapter_model.safetensors</code> — trained on one of
        the base models below. It is served here as base+name.
      </p>
      <div className="ft-fields">
        <Field field="name" label="Name" hint="Letters, digits and dashes: the model is served as base+name." errors={errors}>
          <input ref={nameRef} {...invalidProps('name', errors)} value={name} placeholder="support-tone" onChange={(e) => setName(e.target.value)} required />
        </Field>
        <Field field="base_model" label="Base model" errors={errors}>
          <select {...invalidProps('base_model', errors)} value={baseModel} onChange={(e) => setBaseModel(e.target.value)}>
            {baseModels.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </Field>
        <Field field="file" label="Adapter (.zip)" errors={errors}>
          <input {...invalidProps('file', errors)} type="file" accept=".zip,application/zip" onChange={(e) => setFile(e.target.files?.[0] ?? null)} required />
        </Field>
      </div>
      {error !== null && unplaced && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <footer className="modal-foot">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button-primary" disabled={busy || !file || !name.trim() || !baseModel}>
          {busy ? 'Uploading…' : 'Upload'}
        </button>
      </footer>
    </Modal>
  );
}
