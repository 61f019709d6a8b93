package store

// helperEnv, when set, makes the test binary a classifier worker (see
// TestWorkerKilled) instead of running tests.
const helperEnv = "STORE_TEST_HELPER"

func runHelper() int { return 2 }
