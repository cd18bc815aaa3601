"""Infrastructure: the CDK app's constructs and the local runner, both reading one route table."""
