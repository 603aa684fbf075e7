"""The SHACL engines behind migkg.validation.validate. Each module here has `run(paths, fmt, own)
-> EngineRun` (migkg.validation.outcome) and a lowest-level entry (shapes graph and data in, report
out) that tests/test_w3c_shacl.py runs the W3C SHACL test suite through. Engines depend on the
shared modules (outcome, reference), never the other way round; this package imports nothing."""
