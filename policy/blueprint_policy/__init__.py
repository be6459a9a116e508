"""The rules of the blueprint-workflows policy pack (served by policy/__main__.py).

Each module holds the policies of one concern; `pack.policies` lists them all. The rules
read resource properties as the engine sends them (camelCase keys, as in the program's
registered inputs), so the same functions run under the Pulumi CLI and in the tests.
"""
