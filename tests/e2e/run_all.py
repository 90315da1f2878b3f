"""Runs the end-to-end suite in a fixed order and prints "N passed, N failed".

Modules share one cluster and one front (harness.session()); the outage and
shutdown tests use fronts of their own and run late; the OpenAPI conformance
check runs last, over every response the others recorded.
"""

import importlib
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402 (found through the path above)

MODULES = [
    "test_endpoints",
    "test_reference_examples",
    "test_validation",
    "test_auth",
    "test_isolation",
    "test_isolation_property",
    "test_pagination",
    "test_idempotency",
    "test_conditional",
    "test_rate_limits",
    "test_counters",
    "test_purge",
    "test_front_errors",
    "test_framing",
    "test_proxy",
    "test_operations",
    "test_security",
    "test_server",
    "test_typed_client",
    "test_outage",
    "test_front_killed",
    "test_slowloris",
    "test_hostile",
    "test_openapi_conformance",
    "test_distributed",
]

# Skipped on a Citus cluster (IPTO_E2E_DISTRIBUTED=1) only, each with why.
SINGLE_NODE_ONLY = {
    "test_outage.Outage.test_stop_and_restart_the_database":
        "stops and restarts the single PostgreSQL server; on a cluster, nodes stop one at a time (stop_worker)",
    "test_outage.Outage.test_stop_under_load":
        "stops and restarts the single PostgreSQL server under load; on a cluster, nodes stop one at a time "
        "(stop_worker)",
}


def skip_single_node_only(name, module):
    for test, reason in SINGLE_NODE_ONLY.items():
        module_name, cls_name, method = test.split(".")
        if module_name == name:
            cls = getattr(module, cls_name)
            setattr(cls, method, unittest.skip("single server only: " + reason)(getattr(cls, method)))


def main(argv):
    only = [a for a in argv if not a.startswith("-")]
    if not only:
        os.environ["E2E_FULL_RUN"] = "1"
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    for name in MODULES:
        if only and not any(name == o or name.startswith(o) or o.startswith(name + ".") for o in only):
            continue
        module = importlib.import_module(name)
        if harness.DISTRIBUTED:
            skip_single_node_only(name, module)
        selected = [o for o in only if o.startswith(name + ".")]
        if selected:
            for o in selected:
                suite.addTests(loader.loadTestsFromName(o[len(name) + 1:], module))
        else:
            suite.addTests(loader.loadTestsFromModule(module))
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    # The shared front must stop cleanly too: exit 0 on SIGTERM (under the
    # sanitizers, a leak or a report makes it exit otherwise).
    if harness._SESSION is not None and harness._SESSION.front is not None:
        front = harness._SESSION.front
        rc = front.stop()
        if rc != 0:
            failed += 1
            print("FAIL: the shared ipto-front exited with %s on SIGTERM:\n%s" % (rc, front.stderr()[-4000:]))
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    if skipped:
        print("%d skipped" % skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
