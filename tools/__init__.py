"""Developer tools: the mock-engine harness and the offline plan."""
