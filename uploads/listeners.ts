/**
 * A workbook's `listeners:` section becomes registry listeners named `<workbook>.<name>`, owned by the workbook:
 * created with it, replaced when it is updated, removed when it is deleted. The bodies are read here (pure, no
 * I/O); delivery checks them against the egress policy and the store saves them with the workbook.
 */
import type { DocumentSpec } from '../dsl/index.js';
import { parseListenerInput, type NewListener } from '../delivery/index.js';

export function declaredListeners(spec: DocumentSpec): NewListener[] {
  const workbook = spec.name ?? '';
  return Object.entries(spec.listeners ?? {}).map(([name, body]) => {
    const input = parseListenerInput(body, { fieldPrefix: `listeners.${name}.` });
    return { ...input, name: `${workbook}.${name}`, origin: 'workbook', owner: workbook };
  });
}
