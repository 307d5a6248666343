run tests/scenarios/expect-fails.nls
