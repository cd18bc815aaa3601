"""AWS adapters over boto3. Clients are built lazily, once per container."""
