"""Survey operations: call records, the verifiable sample, invitations and channels, service recovery."""
