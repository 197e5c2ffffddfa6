"""Wire ingest: parsing agencies' copy into plain values (see issue 14)."""
