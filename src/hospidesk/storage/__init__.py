"""Protected content: encrypted history, its key in the OS keyring, recovery, retention."""
