/**
 * A workbook's `listeners:` section becomes registry listeners named `<workbook>.<name>`, owned by the workbook:
 * created with it, replaced when it is updated, removed when it is deleted. The bodies are read and checked
 * (egress policy included) before the workbook is saved, so a bad listener refuses the upload instead of
 * leaving a workbook without the listeners it declares.
 */
import type { DocumentSpec } from '../dsl/index.js';
import type { DeliveryApi, NewListener } from '../delivery/index.js';
import { parseListenerInput } from '../delivery/listener-input.js';

export async function prepareWorkbookListeners(
  delivery: DeliveryApi,
  spec: DocumentSpec,
): Promise<Map<string, NewListener>> {
  const declared = new Map<string, NewListener>();
  const workbook = spec.name ?? '';
  for (const [name, body] of Object.entries(spec.listeners ?? {})) {
    const input = parseListenerInput(body, { fieldPrefix: `listeners.${name}.` });
    const full = `${workbook}.${name}`;
    const listener: NewListener = { ...input, name: full, origin: 'workbook', owner: workbook };
    await delivery.checkTransport(listener);
    declared.set(full, listener);
  }
  return declared;
}
