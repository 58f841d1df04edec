"""The registry of derechohabientes (padrón): CURP rules, the CURP form field, import of the
registry's CSV at national scale, synthetic data."""
