#!/usr/bin/python3
# Runs an example and compares its standard output, line by line, with the
# expected transcript, where {PORT} stands for any port number.
# Usage: check-output.py EXPECTED COMMAND [ARGS...]
import re
import subprocess
import sys

expected_path, command = sys.argv[1], sys.argv[2:]
with open(expected_path, encoding='utf-8') as f:
    expected = f.read().splitlines()

proc = subprocess.run(command, capture_output=True, text=True, timeout=60)
actual = proc.stdout.splitlines()


def matches(pattern, line):
    regex = re.escape(pattern).replace(re.escape('{PORT}'), r'\d+')
    return re.fullmatch(regex, line) is not None


same = len(actual) == len(expected) and all(matches(e, a) for e, a in zip(expected, actual))
if proc.returncode != 0 or not same:
    print(f'exit status {proc.returncode}', file=sys.stderr)
    print('--- expected', *expected, '--- got', *actual, '--- stderr', proc.stderr,
          sep='\n', file=sys.stderr)
    sys.exit(1)
print('\n'.join(actual))
