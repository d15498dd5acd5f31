"""Pure, typed rules of Buurtstem: no Flask, no database, no I/O."""
