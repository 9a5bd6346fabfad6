/* task-runner.vala: one runner for coroutines and plain functions alike
 *
 * Seed topic: "APIs that accept both coroutines and plain functions". The
 * Vala twin of examples/task-runner.c, against glib-coro-1.0.vapi (made
 * from the GIR by vapigen). The fiber calls are C only, so Vala code uses
 * the _async/_finish pairs, which Vala sees as async methods: `yield
 * GCoro.sleep_async (...)` inside an async method, `.begin ()`/`.end ()`
 * from plain code.
 *
 * Run: ./task-runner-vala            (the coroutines sleep 1 second)
 *      ./task-runner-vala --unit=20  (20 ms)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

int unit_msec = 1000;

async void coroutine_function () throws Error {
    print ("Coroutine running, going to sleep!\n");
    yield GCoro.sleep_async (unit_msec, null);
    print ("Woke up\n");
}

void regular_function () {
    print ("Hello from the regular function!\n");
}

/* A Vala async method as a GCoro future. Like gcoro_spawn(), this only
 * queues the work: the method starts on the loop's next turn. */
GCoro.Future spawn_coroutine_function () {
    var promise = new GCoro.Promise ();
    settle_with.begin (promise);
    return promise;
}

async void settle_with (GCoro.Promise promise) {
    try {
        yield GCoro.yield_async (null);
        yield coroutine_function ();
        promise.resolve (null);
    } catch (Error error) {
        promise.reject (error);
    }
}

int main (string[] args) {
    foreach (unowned string arg in args[1:args.length]) {
        if (arg.has_prefix ("--unit="))
            unit_msec = int.parse (arg.substring ("--unit=".length));
    }

    var runner = new GCoro.TaskRunner ();
    runner.add_future (spawn_coroutine_function ());   /* a coroutine, ... */
    runner.add_future (spawn_coroutine_function ());   /* ... another one, ... */
    runner.add_callback (regular_function);            /* ... and a plain function */

    /* runner.run_async() is gcoro_task_runner_run_async()/_finish(). */
    var loop = new MainLoop ();
    int status = 0;
    runner.run_async.begin (null, (obj, res) => {
        try {
            runner.run_async.end (res);
        } catch (Error error) {
            printerr ("%s\n", error.message);
            status = 1;
        }
        loop.quit ();
    });
    loop.run ();
    return status;
}
