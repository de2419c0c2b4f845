#!/usr/bin/python3
"""Run Mistral's own API test suite (mistral-tempest-plugin, api/v2) against a server, without Keystone.

This is a measurement tool, not part of CI. It needs Debian's `mistral-tempest-plugin` and
`python3-tempest` (apt) and the plugin's `tests/resources` folder, which the Debian package lacks: mirror
github openstack/mistral-tempest-plugin and export `mistral_tempest_tests/tests/resources` at the tag that
matches the package (1.3.0 for bookworm's 1.3.0-2) into a folder outside the repository.

    /usr/bin/python3 scripts/tempest-api.py --url http://127.0.0.1:8989/v2 --resources /tmp/tempest/.../resources \
        [--json results.json] [-k test_name_substring ...]

How it works without Keystone: the plugin already has a WITHOUT_AUTH mode (a mock client manager whose auth
provider sends no token); we point that provider at --url instead of its hard-coded localhost:8989, tell
tempest the test classes need no credentials, and read resources from --resources. Tests run with unittest in
one process; the output is one line per test and a per-module table of passed / failed / skipped.
"""

import argparse
import json
import os
import sys
import tempfile
import types
import unittest

PLUGIN_TESTS = "mistral_tempest_tests.tests.api.v2"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="API base URL, e.g. http://127.0.0.1:8989/v2")
    parser.add_argument("--resources", required=True, help="the plugin's tests/resources folder")
    parser.add_argument("--json", help="write per-test outcomes to this file")
    parser.add_argument("-k", action="append", default=[], help="run only tests whose id contains this")
    return parser.parse_args()


def configure(url, resources):
    # tempest reads its config at import: give it an empty one so it never looks for /etc/tempest.
    conf_dir = tempfile.mkdtemp(prefix="tempest-conf-")
    with open(os.path.join(conf_dir, "tempest.conf"), "w") as conf:
        conf.write("[DEFAULT]\n")
    os.environ["TEMPEST_CONFIG_DIR"] = conf_dir
    os.environ["TEMPEST_CONFIG"] = "tempest.conf"
    os.environ["WITHOUT_AUTH"] = "1"
    os.environ.setdefault("OS_LOG_CAPTURE", "1")

    from tempest import config

    from mistral_tempest_tests import config as plugin_config
    from mistral_tempest_tests.services import base as service_base
    from mistral_tempest_tests.tests import base as test_base

    config.register_opt_group(config.CONF, plugin_config.service_available_group, plugin_config.ServiceAvailableGroup)
    config.register_opt_group(config.CONF, plugin_config.mistral_api_group, plugin_config.MistralApiGroup)

    base_url = url.rstrip("/")

    def auth_request(self, method, path, headers=None, body=None, filters=None):
        return "%s/%s" % (base_url, path), dict(headers or {}), body

    service_base.AuthProv.auth_request = auth_request
    # Two tests read the project of the client's credentials (`?project_id=`); the mock provider has none. Without
    # Keystone every request belongs to Mistral's default project, so that is the project of every client.
    service_base.AuthProv.credentials = types.SimpleNamespace(tenant_id="<default-project>")

    def get_resource(path):
        with open(os.path.join(resources, path)) as f:
            return f.read()

    service_base.get_resource = get_resource
    # No credentials to provision: the WITHOUT_AUTH branch of setUp builds the clients.
    test_base.TestCase.credentials = []
    isolate_classes(service_base, test_base)


def isolate_classes(service_base, test_base):
    """Deletes what a test class created once the class is done.

    Upstream, every test class runs in a project of its own (tempest's dynamic credentials), so the workflows,
    executions and triggers a test leaves behind (the suite records them but its tearDown deletes only
    workbooks) are invisible to the next class. Without Keystone every class shares one project: the leftovers
    of one class (a workflow named `wf`) make the next class's setUp fail with 409. Deleting, after each class,
    what its clients recorded gives each class the clean project it gets upstream.
    """
    created = []
    client_init = service_base.MistralClientBase.__init__

    def init(self, *args, **kwargs):
        client_init(self, *args, **kwargs)
        created.append(self)

    service_base.MistralClientBase.__init__ = init
    cleanup = test_base.TestCase.resource_cleanup.__func__

    def resource_cleanup(cls):
        for client in created:
            for kind, items in (("cron_triggers", client.triggers), ("event_triggers", client.event_triggers),
                                ("executions", client.executions), ("workbooks", client.workbooks),
                                ("workflows", client.workflows), ("actions", client.actions)):
                for item in items:
                    try:
                        client.delete_obj(kind, item, force=(kind == "executions"))
                    except Exception:
                        pass  # already deleted by the test, or not deletable: nothing to isolate
        del created[:]
        cleanup(cls)

    test_base.TestCase.resource_cleanup = classmethod(resource_cleanup)


class Recorder(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {}

    def addSuccess(self, test):
        super().addSuccess(test)
        self.outcomes[test.id()] = "pass"

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.outcomes[test.id()] = "fail"

    def addError(self, test, err):
        super().addError(test, err)
        self.outcomes[test.id()] = "fail"

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.outcomes[test.id()] = "skip"

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.outcomes[test.id()] = "pass"

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.outcomes[test.id()] = "fail"


def flatten(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from flatten(item)
        else:
            yield item


def main():
    args = parse_args()
    configure(args.url, os.path.abspath(args.resources))
    import mistral_tempest_tests.tests.api.v2 as package

    loader = unittest.TestLoader()
    suite = loader.discover(os.path.dirname(package.__file__), top_level_dir=os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(package.__file__))))))
    tests = [t for t in flatten(suite) if not args.k or any(k in t.id() for k in args.k)]
    runner = unittest.TextTestRunner(verbosity=2, resultclass=Recorder, stream=sys.stdout)
    result = runner.run(unittest.TestSuite(tests))

    modules = {}
    for test_id, outcome in result.outcomes.items():
        module = test_id.split(".")[-3] if test_id.count(".") >= 2 else test_id
        row = modules.setdefault(module, {"pass": 0, "fail": 0, "skip": 0})
        row[outcome] += 1
    print("\n| module | passed | failed | skipped |\n|---|---|---|---|")
    totals = {"pass": 0, "fail": 0, "skip": 0}
    for module in sorted(modules):
        row = modules[module]
        print("| %s | %d | %d | %d |" % (module, row["pass"], row["fail"], row["skip"]))
        for key in totals:
            totals[key] += row[key]
    print("| **total** | %d | %d | %d |" % (totals["pass"], totals["fail"], totals["skip"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result.outcomes, f, indent=1, sort_keys=True)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
