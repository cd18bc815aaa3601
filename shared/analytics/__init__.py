"""The Analytics Service domain layer: shared by every Lambda function and shipped as a layer."""
