"""Message catalogues (Dutch and English) and the tool that keeps the English one complete."""
