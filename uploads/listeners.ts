/**
 * A workbook's `listeners:` section becomes registry listeners owned by the workbook, that is by its name and
 * namespace (`wb` in two namespaces are two workbooks): created with it, replaced when it is updated, removed
 * when it is deleted. The bodies are read here (pure, no I/O); delivery checks them against the egress policy
 * and the store saves them with the workbook.
 *
 * Listener names are one registry-wide namespace, so the workbook's namespace is part of the name:
 * `<workbook>.<name>` in the default namespace (the names from before namespaces were told apart stay), and
 * `<namespace>:<workbook>.<name>` in any other.
 */
import type { DocumentSpec } from '../dsl/index.js';
import { parseListenerInput, type NewListener } from '../delivery/index.js';

/** The registry name of listener `name` of workbook `workbook` in `namespace` (see the header). */
export function workbookListenerName(workbook: string, namespace: string, name: string): string {
  return namespace === '' ? `${workbook}.${name}` : `${namespace}:${workbook}.${name}`;
}

export function declaredListeners(spec: DocumentSpec, namespace: string): NewListener[] {
  const workbook = spec.name ?? '';
  return Object.entries(spec.listeners ?? {}).map(([name, body]) => {
    const input = parseListenerInput(body, { fieldPrefix: `listeners.${name}.` });
    return {
      ...input,
      name: workbookListenerName(workbook, namespace, name),
      origin: 'workbook',
      owner: workbook,
      ownerNamespace: namespace,
    };
  });
}
