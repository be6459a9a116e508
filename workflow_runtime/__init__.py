"""A local Cloud Workflows runtime that follows Google's documented semantics.

See docs/runtime-interfaces.md for how the parts fit together.
"""
