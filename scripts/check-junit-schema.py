#!/usr/bin/env python3
"""Validates JUnit XML reports against an XSD with the `xmlschema` package.

    python3 scripts/check-junit-schema.py SCHEMA.xsd REPORT.xml...

Prints `REPORT: valid` or each error with its path in the document, and exits 1 when a report is
invalid, 2 when `xmlschema` is missing or a file cannot be read. JUnitSchemaTests runs it on the
reports `proctor run` writes, with Tests/ProctorRunnerTests/Fixtures/junit/junit-10.xsd (the Jenkins
xUnit plugin's schema); .ci/run installs `xmlschema` (python3 -m pip install xmlschema).
"""
import sys

try:
    import xmlschema
except ImportError:
    print("error: the xmlschema package is missing: python3 -m pip install xmlschema", file=sys.stderr)
    sys.exit(2)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        schema = xmlschema.XMLSchema(argv[1])
    except (OSError, xmlschema.XMLSchemaException) as error:
        print(f"error: cannot load the schema {argv[1]}: {error}", file=sys.stderr)
        return 2
    status = 0
    for path in argv[2:]:
        try:
            errors = list(schema.iter_errors(path))
        except (OSError, SyntaxError) as error:  # ElementTree's ParseError is a SyntaxError
            print(f"{path}: not well-formed XML: {error}")
            status = 1
            continue
        if not errors:
            print(f"{path}: valid")
            continue
        status = 1
        for error in errors:
            print(f"{path}: invalid at {error.path}: {error.reason}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
