"""Renderers: each turns a domain or service object into a file (QR, PDF, CSV, XLSX, JSON, .pb)."""
