"""公众服务: the public mobile pages (document verification, law education, rating)."""
