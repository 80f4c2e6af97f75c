"""Partner institutions (lembaga mitra): the list an admin keeps, and the signed links
through which a partner answers a pokja's question about one ticket, without an account."""
