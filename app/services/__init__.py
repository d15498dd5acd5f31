"""Use cases: one public function per command, one commit at its end; queries never write."""
