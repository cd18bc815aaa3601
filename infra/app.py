"""Entry point of `cdk synth` / `cdk deploy` (see cdk.json). Needs no Docker: the layer builds locally."""

from analytics_infra.application import build_app

if __name__ == "__main__":
    app, _ = build_app()
    app.synth()
