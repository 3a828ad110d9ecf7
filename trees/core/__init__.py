"""Pure domain logic for Arbor: plain data in, plain data out, no Django import."""
