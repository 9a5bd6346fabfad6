// Stepped tasks from GJS: a generator function driven as a glib-coro task,
// one step per yielded future, on the main stack (the mechanism the GJS
// module's task helpers build on).
// SPDX-License-Identifier: LGPL-2.1-or-later

const {test, assert, assertEqual, assertGError, settle, run} = imports.harness;
const {GCoro, GLib, Gio} = imports.gi;

function spawn(genFunc, name = null) {
    const gen = genFunc();
    return GCoro.spawn_stepped(name, (task, completed) => {
        let step;
        try {
            if (completed === null) {
                step = gen.next();
            } else {
                let value, error = null;
                try {
                    [, value] = completed.get_value();
                } catch (e) {
                    error = e;
                }
                step = error ? gen.throw(error) : gen.next(value);
            }
        } catch (e) {
            task.return_error(e);
            return null;
        }
        if (step.done) {
            if (step.value !== undefined)
                task.return_value(step.value);
            return null;
        }
        return step.value;
    });
}

test('a generator runs as a task', () => {
    const log = [];
    const task = spawn(function* () {
        log.push('start');
        const a = GCoro.Promise.new();
        GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
            a.resolve_string('forty');
            return GLib.SOURCE_REMOVE;
        });
        const v = yield a;
        log.push(v);
        return `${v}-two`;
    }, 'gen');
    assertEqual(log, []);
    assert(GCoro.run_until_complete(task));
    assertEqual(log, ['start', 'forty']);
    assertEqual(task.get_value(), [true, 'forty-two']);
});

test('cancellation is thrown into the generator', () => {
    const seen = [];
    const task = spawn(function* () {
        try {
            yield GCoro.Promise.new();
        } catch (e) {
            seen.push(e.code);
            throw e;
        }
    });
    settle();
    task.cancel();
    try {
        GCoro.run_until_complete(task);
        throw new Error('should have thrown');
    } catch (e) {
        assertGError(e, Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);
    }
    assertEqual(seen, [Gio.IOErrorEnum.CANCELLED]);
    assertEqual(task.get_state(), GCoro.FutureState.CANCELLED);
});

run();
