"""Forms, one module per audience: public (signers), manage (coordinators), exports, outreach."""
