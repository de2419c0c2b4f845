/**
 * The action registry a process builds from the configuration: the standard actions with the operator's
 * settings (egress policy, SSH host keys, script limits) and the action packs. `tram serve` and the embedded
 * `tram run` build theirs here, so both run the same actions the same way.
 */

import type { Config } from '../config/index.js';
import { createActionRegistry } from './default-registry.js';
import type { ActionRegistry } from './registry.js';

export type ActionSettings = Pick<
  Config,
  | 'egressAllowPrivate'
  | 'scriptTimeoutMaxS'
  | 'scriptMemoryMb'
  | 'sshKnownHosts'
  | 'sshHostKeyPolicy'
  | 'sshKeyDir'
  | 'sshAllowProxyCommand'
  | 'actionPacks'
>;

/** @throws ActionPackError naming the first pack that does not load. */
export function createConfiguredRegistry(config: ActionSettings): Promise<ActionRegistry> {
  return createActionRegistry(
    {
      javascript: { maxTimeoutSeconds: config.scriptTimeoutMaxS, memoryMb: config.scriptMemoryMb },
      egress: { allowPrivate: config.egressAllowPrivate },
      ssh: {
        knownHostsFile: config.sshKnownHosts,
        hostKeyPolicy: config.sshHostKeyPolicy,
        keyDir: config.sshKeyDir,
        allowProxyCommand: config.sshAllowProxyCommand,
      },
    },
    config.actionPacks,
  );
}
