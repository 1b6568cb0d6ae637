"""Multi-step work with side effects (several objects, emails, snapshots). One module per area."""
