/**
 * The system workflows every server has from its first start, as Mistral's `populate` installs them (public, in
 * the default namespace, `is_system`): `std.create_instance` and `std.delete_instance`. Clients and Mistral's own
 * API tests expect them in `GET /v2/workflows` of a fresh server.
 *
 * They are written for Nova (`nova.*` actions, which Tramontane does not ship): with an action pack that provides
 * those actions they run; without one the first task fails with Mistral's "Failed to find action" message, as
 * any workflow naming an unknown action does. Their names, inputs and outputs are Mistral's; the text is ours.
 *
 * They live in memory only (see `Definitions`): never stored, so no schema change and nothing to migrate, and
 * every node of a cluster has the same ones with the same ids.
 */

export const SYSTEM_WORKFLOW_DOCUMENTS: readonly string[] = [
  `version: '2.0'

std.create_instance:
  description: |
    Boots a Nova server, gives it a floating IP and waits until its operating system answers over SSH.
    The server is deleted again (std.delete_instance) if any step fails.

  input:
    - name
    - image_id
    - flavor_id
    # SSH login used to tell that the system is up (or key_name: a Nova keypair injected at boot).
    - ssh_username: null
    - ssh_password: null
    - key_name: null
    # Security group names, and the NICs to attach (e.g. [{"net-id": "<network id>"}]).
    - security_groups: null
    - nics: null

  task-defaults:
    on-error:
      - clean_up

  tasks:
    boot:
      description: Asks Nova for the server.
      action: nova.servers_create
      input:
        name: <% $.name %>
        image: <% $.image_id %>
        flavor: <% $.flavor_id %>
        key_name: <% $.key_name %>
        security_groups: <% $.security_groups %>
        nics: <% $.nics %>
      publish:
        vm_id: <% task().result.id %>
      on-success:
        - take_floating_ip

    take_floating_ip:
      description: Picks the first floating IP not bound to a server.
      action: nova.floating_ips_findall instance_id=null
      publish:
        vm_ip: <% task().result[0].ip %>
      on-success:
        - until_active

    until_active:
      description: Polls Nova until the server is ACTIVE.
      action: nova.servers_find id=<% $.vm_id %> status="ACTIVE"
      retry:
        count: 10
        delay: 10
      publish:
        status: <% task().result.status %>
      on-success:
        - bind_ip

    bind_ip:
      description: Binds the floating IP to the server.
      action: nova.servers_add_floating_ip server=<% $.vm_id %> address=<% $.vm_ip %>
      wait-after: 5
      on-success:
        - until_ssh

    until_ssh:
      description: Polls the server over SSH until its operating system is up.
      action: std.wait_ssh host=<% $.vm_ip %> username=<% $.ssh_username %> password=<% $.ssh_password %>
      retry:
        count: 10
        delay: 10

    clean_up:
      description: Deletes the half-made server, then fails the workflow.
      workflow: std.delete_instance instance_id=<% $.vm_id %>
      on-complete:
        - fail

  output:
    id: <% $.vm_id %>
    name: <% $.name %>
    ip: <% $.vm_ip %>
    status: <% $.status %>
`,
  `version: '2.0'

std.delete_instance:
  description: Deletes a Nova server and waits until Nova no longer knows it.

  input:
    - instance_id

  tasks:
    request_delete:
      description: Asks Nova to delete the server.
      action: nova.servers_delete server=<% $.instance_id %>
      wait-after: 10
      on-success:
        - check_gone

    check_gone:
      description: Looking the server up fails once it is gone, which is success here.
      action: nova.servers_find id=<% $.instance_id %>
      on-error:
        - succeed
`,
];
