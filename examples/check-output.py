#!/usr/bin/python3
# Runs an example and compares its standard output, line by line, with the
# expected transcript. Usage: check-output.py EXPECTED COMMAND [ARGS...]
import subprocess
import sys

expected_path, command = sys.argv[1], sys.argv[2:]
with open(expected_path, encoding='utf-8') as f:
    expected = f.read().splitlines()

proc = subprocess.run(command, capture_output=True, text=True, timeout=60)
actual = proc.stdout.splitlines()
if proc.returncode != 0 or actual != expected:
    print(f'exit status {proc.returncode}', file=sys.stderr)
    print('--- expected', *expected, '--- got', *actual, '--- stderr', proc.stderr,
          sep='\n', file=sys.stderr)
    sys.exit(1)
print('\n'.join(actual))
