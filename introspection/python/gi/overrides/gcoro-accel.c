/* gcoro-accel.c: the compiled half of GCoro.EventLoop (gi.overrides._gcoro_accel)
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What an asyncio loop does for every await and every iteration, done
 * without a trip through PyGObject's invoker (0.2-0.4 µs a call, several
 * per await). Nothing here is a mechanism of its own: it calls the same
 * C functions the GIR describes, on the same GCoro objects, and the
 * override (GCoro.py, _gcoro_event_loop.py) decides everything else.
 *
 * - future_await(): GCoro.Future.__await__. In an asyncio task, a pending
 *   future is awaited through an asyncio future (a _Waiter) that the loop
 *   resolves with None once the bridge reports the GCoro future settled;
 *   the task waits on it with asyncio's own machinery, and cancelling it
 *   (Task.cancel()) cancels the GCoro future instead. In a GCoro
 *   stepped task, the future itself is yielded to the step function.
 * - iterate(), take_events(): GCoroLoopBridge's iteration and its events,
 *   the settled futures' waiters resolved here, the ready descriptors
 *   turned into the (key, events) pairs of asyncio's _process_events().
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pygobject.h>

#include <glib-coro.h>

/* What the override hands over once (install()). */
static PyObject *running_local;       /* _gcoro_event_loop._running (threading.local) */
static PyObject *check_loop;          /* GCoro._check_gcoro_loop(loop): raises */
static PyObject *get_running_loop;    /* asyncio.events._get_running_loop */
static PyObject *current_task;        /* asyncio.current_task, if compiled (3.12+) */
static PyObject *current_tasks;       /* else asyncio.tasks._current_tasks: loop -> task */
static PyObject *waiter_type;         /* _gcoro_event_loop._Waiter */

static PyObject *str_loop;
static PyObject *str_bridge;
static PyObject *str_watches;
static PyObject *str_blocking;
static PyObject *str_result;
static PyObject *str_done;
static PyObject *str_set_result;
static PyObject *str_gcoro_future;
static PyObject *kwnames_loop;        /* ("loop",) */

/* Tokens of the bridge's future watches: one sequence for the waiters made
 * here and the override's add_done_callback() watches. */
static gint64 next_token = 1;

#define FUTURE_OF(obj) ((GCoroFuture *) pygobject_get (obj))

/* obj.name, or *out = NULL when it has none (AttributeError swallowed). */
static int
lookup_attr (PyObject  *obj,
             PyObject  *name,
             PyObject **out)
{
#if PY_VERSION_HEX >= 0x030D0000
  return PyObject_GetOptionalAttr (obj, name, out);
#else
  return _PyObject_LookupAttr (obj, name, out);
#endif
}

static gboolean
check_nargs (const char *name,
             Py_ssize_t  nargs,
             Py_ssize_t  min,
             Py_ssize_t  max)
{
  if (nargs >= min && nargs <= max)
    return TRUE;
  PyErr_Format (PyExc_TypeError, "%s() takes %zd to %zd arguments (%zd given)",
                name, min, max, nargs);
  return FALSE;
}

static gpointer
gobject_of (PyObject *obj,
            GType     type,
            const char *what)
{
  GObject *gobj;

  if (!PyObject_TypeCheck (obj, &PyGObject_Type) ||
      (gobj = pygobject_get (obj)) == NULL ||
      !G_TYPE_CHECK_INSTANCE_TYPE (gobj, type))
    {
      PyErr_Format (PyExc_TypeError, "%s must be a %s, not %.200s",
                    what, g_type_name (type), Py_TYPE (obj)->tp_name);
      return NULL;
    }
  return gobj;
}

/* The running loop of this thread: a GCoro.EventLoop's own thread-local
 * first (asyncio's check costs a getpid()). Borrowed-or-new: returns a new
 * reference, Py_None when there is none. */
static PyObject *
running_loop (void)
{
  PyObject *loop;

  if (lookup_attr (running_local, str_loop, &loop) < 0)
    return NULL;
  if (loop != NULL && loop != Py_None)
    return loop;
  Py_XDECREF (loop);
  return PyObject_CallNoArgs (get_running_loop);
}

/* ------------------------------------------------------------------------ */
/* The awaiter: what GCoro.Future.__await__() returns.                       */

typedef enum
{
  AWAIT_START,     /* not stepped yet */
  AWAIT_WAITING,   /* an asyncio task waits on a waiter the loop resolves */
  AWAIT_STEPPED,   /* a GCoro stepped task waits on the future itself */
  AWAIT_OVER,
} AwaitState;

typedef struct
{
  PyObject_HEAD
  PyObject   *future;   /* the GCoro.Future */
  AwaitState  state;
} Awaiter;

static PyTypeObject AwaiterType;

/* Ends the await with @value (stolen): StopIteration(value) set, NULL
 * returned. A tuple or an exception is a value like any other. */
static PyObject *
stop_with (PyObject *value)
{
  PyObject *stop;

  if (value == Py_None)
    {
      Py_DECREF (value);
      return NULL;    /* StopIteration(None), implied */
    }
  stop = PyObject_CallOneArg (PyExc_StopIteration, value);
  Py_DECREF (value);
  if (stop == NULL)
    return NULL;
  PyErr_SetObject (PyExc_StopIteration, stop);
  Py_DECREF (stop);
  return NULL;
}

/* Ends the await with the future's outcome: StopIteration(value) set (and
 * NULL returned), or the exception it failed with raised. */
static PyObject *
awaiter_finish (Awaiter *self)
{
  GCoroFuture *future = FUTURE_OF (self->future);
  PyObject *value;

  self->state = AWAIT_OVER;
  if (gcoro_future_get_state (future) == GCORO_FUTURE_RESOLVED)
    {
      const GValue *gvalue = gcoro_future_peek_value (future);

      if (gvalue != NULL && G_IS_VALUE (gvalue))
        value = pyg_value_as_pyobject (gvalue, TRUE);
      else
        value = Py_NewRef (Py_None);
    }
  else
    {
      /* Failed, or cancelled: the override knows which exception. */
      value = PyObject_CallMethodNoArgs (self->future, str_result);
    }
  if (value == NULL)
    return NULL;
  return stop_with (value);
}

/* A waiter for @loop, watched by its bridge for self->future. */
static PyObject *
awaiter_wait (Awaiter  *self,
              PyObject *loop)
{
  PyObject *bridge_obj = NULL, *watches = NULL, *waiter = NULL, *key = NULL;
  GCoroLoopBridge *bridge;
  gint64 token;

  if (lookup_attr (loop, str_watches, &watches) < 0)
    return NULL;
  if (watches == NULL || !PyDict_Check (watches))
    {
      /* Not a GCoro.EventLoop: the override says what to do. */
      PyObject *r = PyObject_CallOneArg (check_loop, loop);

      Py_XDECREF (watches);
      Py_XDECREF (r);
      if (r != NULL)
        PyErr_SetString (PyExc_RuntimeError, "the running loop cannot wait for GCoro futures");
      return NULL;
    }
  bridge_obj = PyObject_GetAttr (loop, str_bridge);
  if (bridge_obj == NULL)
    goto out;
  if (bridge_obj == Py_None)
    {
      PyErr_SetString (PyExc_RuntimeError, "Event loop is closed");
      goto out;
    }
  bridge = gobject_of (bridge_obj, GCORO_TYPE_LOOP_BRIDGE, "the loop's bridge");
  if (bridge == NULL)
    goto out;

  {
    PyObject *args[] = { loop };

    waiter = PyObject_Vectorcall (waiter_type, args, 0, kwnames_loop);
  }
  if (waiter == NULL)
    goto out;
  if (PyObject_SetAttr (waiter, str_gcoro_future, self->future) < 0)
    goto fail;
  /* What Future.__await__() does before yielding itself: the task takes
   * it for a future it may wait on. */
  if (PyObject_SetAttr (waiter, str_blocking, Py_True) < 0)
    goto fail;
  token = next_token++;
  key = PyLong_FromLongLong (token);
  if (key == NULL || PyDict_SetItem (watches, key, waiter) < 0)
    goto fail;
  gcoro_loop_bridge_watch_future (bridge, FUTURE_OF (self->future), token);
  self->state = AWAIT_WAITING;
  goto out;

fail:
  Py_CLEAR (waiter);
out:
  Py_XDECREF (key);
  Py_XDECREF (bridge_obj);
  Py_XDECREF (watches);
  return waiter;
}

static PyObject *
awaiter_start (Awaiter *self)
{
  PyObject *loop, *task = NULL, *r;

  loop = running_loop ();
  if (loop == NULL)
    return NULL;
  if (loop != Py_None)
    {
      if (current_tasks != NULL)
        task = Py_XNewRef (PyDict_GetItemWithError (current_tasks, loop));
      else
        task = PyObject_CallOneArg (current_task, loop);
      if (task == NULL && PyErr_Occurred ())
        {
          Py_DECREF (loop);
          return NULL;
        }
    }
  if (task == NULL || task == Py_None)
    {
      /* A GCoro stepped task (or none): it waits for the future itself,
       * and sends its value back. */
      Py_XDECREF (task);
      Py_DECREF (loop);
      self->state = AWAIT_STEPPED;
      return Py_NewRef (self->future);
    }
  Py_DECREF (task);
  if (gcoro_future_is_done (FUTURE_OF (self->future)))
    r = awaiter_finish (self);
  else
    r = awaiter_wait (self, loop);
  Py_DECREF (loop);
  return r;
}

static PyObject *
awaiter_send (Awaiter  *self,
              PyObject *value)
{
  switch (self->state)
    {
    case AWAIT_START:
      return awaiter_start (self);
    case AWAIT_WAITING:
      return awaiter_finish (self);
    case AWAIT_STEPPED:
      /* The step function sends the future's value. */
      self->state = AWAIT_OVER;
      return stop_with (Py_NewRef (value));
    case AWAIT_OVER:
    default:
      PyErr_SetString (PyExc_RuntimeError, "cannot reuse an already awaited GCoro future's awaiter");
      return NULL;
    }
}

static PyObject *
awaiter_iternext (PyObject *self)
{
  return awaiter_send ((Awaiter *) self, Py_None);
}

static PyObject *
awaiter_send_method (PyObject *self,
                     PyObject *value)
{
  return awaiter_send ((Awaiter *) self, value);
}

/* throw(exc) or throw(type[, value[, traceback]]), as a generator takes it. */
static PyObject *
awaiter_throw (PyObject         *obj,
               PyObject *const  *args,
               Py_ssize_t        nargs)
{
  Awaiter *self = (Awaiter *) obj;
  PyObject *typ, *val = Py_None, *tb = Py_None, *exc;

  if (!check_nargs ("throw", nargs, 1, 3))
    return NULL;
  typ = args[0];
  if (nargs > 1)
    val = args[1];
  if (nargs > 2)
    tb = args[2];

  if (PyExceptionInstance_Check (typ))
    exc = Py_NewRef (typ);
  else if (PyExceptionClass_Check (typ))
    {
      if (val != Py_None && PyObject_TypeCheck (val, (PyTypeObject *) typ))
        exc = Py_NewRef (val);
      else if (val == Py_None)
        exc = PyObject_CallNoArgs (typ);
      else
        exc = PyObject_CallOneArg (typ, val);
      if (exc == NULL)
        return NULL;
    }
  else
    {
      PyErr_SetString (PyExc_TypeError, "exceptions must be classes or instances deriving from BaseException");
      return NULL;
    }
  if (tb != Py_None && PyException_SetTraceback (exc, tb) < 0)
    {
      Py_DECREF (exc);
      return NULL;
    }

  /* Into the coroutine at its await (an asyncio task cancelled after the
   * future settled, a coroutine closed): as for a generator's yield. */
  self->state = AWAIT_OVER;
  PyErr_SetObject ((PyObject *) Py_TYPE (exc), exc);
  Py_DECREF (exc);
  return NULL;
}

static PyObject *
awaiter_close (PyObject *obj,
               PyObject *Py_UNUSED (ignored))
{
  Awaiter *self = (Awaiter *) obj;

  /* The coroutine is closed while it waits: nothing to cancel (as for a
   * generator-based await); the bridge's watch resolves a waiter nobody
   * waits on any more. */
  self->state = AWAIT_OVER;
  Py_RETURN_NONE;
}

static int
awaiter_traverse (PyObject  *obj,
                  visitproc  visit,
                  void      *arg)
{
  Awaiter *self = (Awaiter *) obj;

  Py_VISIT (self->future);
  return 0;
}

static int
awaiter_clear (PyObject *obj)
{
  Awaiter *self = (Awaiter *) obj;

  Py_CLEAR (self->future);
  return 0;
}

static void
awaiter_dealloc (PyObject *obj)
{
  PyObject_GC_UnTrack (obj);
  awaiter_clear (obj);
  PyObject_GC_Del (obj);
}

static PyMethodDef awaiter_methods[] = {
  { "send", awaiter_send_method, METH_O, NULL },
  { "throw", (PyCFunction) (void (*) (void)) awaiter_throw, METH_FASTCALL, NULL },
  { "close", awaiter_close, METH_NOARGS, NULL },
  { NULL, NULL, 0, NULL },
};

static PyTypeObject AwaiterType = {
  PyVarObject_HEAD_INIT (NULL, 0)
  .tp_name = "gi.overrides._gcoro_accel.FutureAwaiter",
  .tp_doc = "What awaiting a GCoro.Future steps through.",
  .tp_basicsize = sizeof (Awaiter),
  .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
  .tp_dealloc = awaiter_dealloc,
  .tp_traverse = awaiter_traverse,
  .tp_clear = awaiter_clear,
  .tp_iter = PyObject_SelfIter,
  .tp_iternext = awaiter_iternext,
  .tp_methods = awaiter_methods,
};

/* GCoro.Future.__await__ (and __iter__, for `yield from future`). */
static PyObject *
future_await (PyObject *future,
              PyObject *Py_UNUSED (ignored))
{
  Awaiter *self;

  if (gobject_of (future, GCORO_TYPE_FUTURE, "self") == NULL)
    return NULL;
  self = PyObject_GC_New (Awaiter, &AwaiterType);
  if (self == NULL)
    return NULL;
  self->future = Py_NewRef (future);
  self->state = AWAIT_START;
  PyObject_GC_Track ((PyObject *) self);
  return (PyObject *) self;
}

static PyMethodDef future_await_def = {
  "__await__", future_await, METH_NOARGS,
  "Awaits the future: from an asyncio task on GCoro.EventLoop, or from a GCoro stepped task.",
};

/* ------------------------------------------------------------------------ */
/* The loop's iteration.                                                     */

/* iterate(bridge, deadline, may_block) -> flags: GCoroLoopBridge.iterate(),
 * the GIL released meanwhile (the context may block in poll()). */
static PyObject *
accel_iterate (PyObject         *module,
               PyObject *const  *args,
               Py_ssize_t        nargs)
{
  GCoroLoopBridge *bridge;
  long long deadline;
  int may_block;
  GCoroLoopBridgeIterateFlags flags;

  if (!check_nargs ("iterate", nargs, 3, 3))
    return NULL;
  bridge = gobject_of (args[0], GCORO_TYPE_LOOP_BRIDGE, "bridge");
  if (bridge == NULL)
    return NULL;
  deadline = PyLong_AsLongLong (args[1]);
  if (deadline == -1 && PyErr_Occurred ())
    return NULL;
  may_block = PyObject_IsTrue (args[2]);
  if (may_block < 0)
    return NULL;

  Py_BEGIN_ALLOW_THREADS
  flags = gcoro_loop_bridge_iterate (bridge, deadline, may_block);
  Py_END_ALLOW_THREADS

  return PyLong_FromLong (flags);
}

/* take_events(bridge, keys, watches) -> (ready, settled): the bridge's
 * events since the last call. A settled future's waiter (an asyncio
 * future in watches) is resolved here; the other watches (the override's
 * (future, callback, context)) are popped into settled; the ready
 * descriptors that keys (fd -> selector key) has become ready, a list of
 * (key, selectors events). Either is None when empty. */
static PyObject *
accel_take_events (PyObject         *module,
                   PyObject *const  *args,
                   Py_ssize_t        nargs)
{
  GCoroLoopBridge *bridge;
  PyObject *keys, *watches, *ready = NULL, *settled = NULL, *result = NULL;
  g_autofree gint64 *events = NULL;
  gsize n_events = 0;

  if (!check_nargs ("take_events", nargs, 3, 3))
    return NULL;
  bridge = gobject_of (args[0], GCORO_TYPE_LOOP_BRIDGE, "bridge");
  if (bridge == NULL)
    return NULL;
  keys = args[1];
  watches = args[2];
  if (!PyDict_Check (keys) || !PyDict_Check (watches))
    {
      PyErr_SetString (PyExc_TypeError, "keys and watches must be dicts");
      return NULL;
    }

  events = gcoro_loop_bridge_take_events (bridge, &n_events);
  for (gsize i = 0; i + 1 < n_events; i += 2)
    {
      gint64 what = events[i], value = events[i + 1];
      PyObject *key, *entry;

      key = PyLong_FromLongLong (what == GCORO_LOOP_BRIDGE_FUTURE ? value : what);
      if (key == NULL)
        goto fail;
      if (what == GCORO_LOOP_BRIDGE_FUTURE)
        {
          PyObject *watch = PyDict_GetItemWithError (watches, key);
          int rc = 0;

          if (watch == NULL)
            {
              Py_DECREF (key);
              if (PyErr_Occurred ())
                goto fail;
              continue;      /* unwatched meanwhile */
            }
          Py_INCREF (watch);
          rc = PyDict_DelItem (watches, key);
          Py_DECREF (key);
          if (rc == 0 && Py_IS_TYPE (watch, (PyTypeObject *) waiter_type))
            {
              /* A waiter: its task's wake-up joins the ready callbacks. */
              PyObject *done = PyObject_CallMethodNoArgs (watch, str_done);

              rc = done == NULL ? -1 : 0;
              if (done == Py_False)
                {
                  PyObject *r = PyObject_CallMethodOneArg (watch, str_set_result, Py_None);

                  rc = r == NULL ? -1 : 0;
                  Py_XDECREF (r);
                }
              Py_XDECREF (done);
            }
          else if (rc == 0)
            {
              if (settled == NULL && (settled = PyList_New (0)) == NULL)
                rc = -1;
              else
                rc = PyList_Append (settled, watch);
            }
          Py_DECREF (watch);
          if (rc < 0)
            goto fail;
          continue;
        }

      entry = PyDict_GetItemWithError (keys, key);
      Py_DECREF (key);
      if (entry == NULL)
        {
          if (PyErr_Occurred ())
            goto fail;
          continue;
        }
      {
        long mask = (value & G_IO_IN ? 1 : 0) | (value & G_IO_OUT ? 2 : 0);
        PyObject *pair;

        if (ready == NULL && (ready = PyList_New (0)) == NULL)
          goto fail;
        pair = Py_BuildValue ("(Ol)", entry, mask);
        if (pair == NULL || PyList_Append (ready, pair) < 0)
          {
            Py_XDECREF (pair);
            goto fail;
          }
        Py_DECREF (pair);
      }
    }

  result = PyTuple_Pack (2, ready ? ready : Py_None, settled ? settled : Py_None);
fail:
  Py_XDECREF (ready);
  Py_XDECREF (settled);
  return result;
}

/* has_company(bridge), has_news(bridge) -> bool; begin_iteration(bridge),
 * end_iteration(bridge): the GCoroLoopBridge methods of those names. */
#define BRIDGE_CALL(name, call)                                             \
  static PyObject *                                                         \
  accel_##name (PyObject *module,                                           \
                PyObject *bridge_obj)                                       \
  {                                                                         \
    GCoroLoopBridge *bridge = gobject_of (bridge_obj, GCORO_TYPE_LOOP_BRIDGE, "bridge"); \
                                                                            \
    if (bridge == NULL)                                                     \
      return NULL;                                                          \
    call;                                                                   \
  }

BRIDGE_CALL (has_company, return PyBool_FromLong (gcoro_loop_bridge_has_company (bridge)))
BRIDGE_CALL (has_news, return PyBool_FromLong (gcoro_loop_bridge_has_news (bridge)))
BRIDGE_CALL (begin_iteration, gcoro_loop_bridge_begin_iteration (bridge); Py_RETURN_NONE)
BRIDGE_CALL (end_iteration, gcoro_loop_bridge_end_iteration (bridge); Py_RETURN_NONE)

/* next_token() -> int: a token for GCoroLoopBridge.watch_future(). */
static PyObject *
accel_next_token (PyObject *module,
                  PyObject *Py_UNUSED (ignored))
{
  return PyLong_FromLongLong (next_token++);
}

/* install(future_class, running_local, check_loop, waiter_class): makes
 * future_class's __await__ and __iter__ the compiled awaiter. */
static PyObject *
accel_install (PyObject         *module,
               PyObject *const  *args,
               Py_ssize_t        nargs)
{
  PyObject *future_type, *descr;

  if (!check_nargs ("install", nargs, 4, 4))
    return NULL;
  if (!PyType_Check (args[0]) || !PyType_Check (args[3]))
    {
      PyErr_SetString (PyExc_TypeError, "install() takes the GCoro.Future class and the waiter class");
      return NULL;
    }
  future_type = args[0];
  Py_XSETREF (running_local, Py_NewRef (args[1]));
  Py_XSETREF (check_loop, Py_NewRef (args[2]));
  Py_XSETREF (waiter_type, Py_NewRef (args[3]));

  descr = PyDescr_NewMethod ((PyTypeObject *) future_type, &future_await_def);
  if (descr == NULL)
    return NULL;
  if (PyObject_SetAttrString (future_type, "__await__", descr) < 0 ||
      PyObject_SetAttrString (future_type, "__iter__", descr) < 0)
    {
      Py_DECREF (descr);
      return NULL;
    }
  Py_DECREF (descr);
  Py_RETURN_NONE;
}

static PyMethodDef accel_methods[] = {
  { "install", (PyCFunction) (void (*) (void)) accel_install, METH_FASTCALL,
    "install(future_class, running_local, check_loop, waiter_class)" },
  { "iterate", (PyCFunction) (void (*) (void)) accel_iterate, METH_FASTCALL,
    "iterate(bridge, deadline, may_block) -> GCoro.LoopBridgeIterateFlags as an int" },
  { "take_events", (PyCFunction) (void (*) (void)) accel_take_events, METH_FASTCALL,
    "take_events(bridge, keys, watches) -> (ready, settled)" },
  { "has_company", accel_has_company, METH_O, "has_company(bridge) -> bool" },
  { "has_news", accel_has_news, METH_O, "has_news(bridge) -> bool" },
  { "begin_iteration", accel_begin_iteration, METH_O, "begin_iteration(bridge)" },
  { "end_iteration", accel_end_iteration, METH_O, "end_iteration(bridge)" },
  { "next_token", accel_next_token, METH_NOARGS, "next_token() -> int" },
  { NULL, NULL, 0, NULL },
};

static struct PyModuleDef accel_module = {
  PyModuleDef_HEAD_INIT,
  .m_name = "gi.overrides._gcoro_accel",
  .m_doc = "The compiled half of GCoro.EventLoop: awaits and iterations without PyGObject's invoker.",
  .m_size = -1,
  .m_methods = accel_methods,
};

static int
import_from (const char *module_name,
             const char *attr,
             PyObject  **out)
{
  PyObject *module = PyImport_ImportModule (module_name);

  if (module == NULL)
    return -1;
  *out = PyObject_GetAttrString (module, attr);
  Py_DECREF (module);
  return *out == NULL ? -1 : 0;
}

PyMODINIT_FUNC PyInit__gcoro_accel (void);

PyMODINIT_FUNC
PyInit__gcoro_accel (void)
{
  if (pygobject_init (3, 42, 0) == NULL)
    return NULL;
  if (import_from ("asyncio.events", "_get_running_loop", &get_running_loop) < 0 ||
      import_from ("asyncio", "current_task", &current_task) < 0)
    return NULL;
  if (!PyCFunction_Check (current_task))
    {
      /* Python 3.11: a Python function over the tasks' dict. */
      if (import_from ("asyncio.tasks", "_current_tasks", &current_tasks) < 0)
        return NULL;
      if (!PyDict_Check (current_tasks))
        Py_CLEAR (current_tasks);
    }
  if ((str_loop = PyUnicode_InternFromString ("loop")) == NULL ||
      (str_bridge = PyUnicode_InternFromString ("_bridge")) == NULL ||
      (str_watches = PyUnicode_InternFromString ("_future_watches")) == NULL ||
      (str_blocking = PyUnicode_InternFromString ("_asyncio_future_blocking")) == NULL ||
      (str_result = PyUnicode_InternFromString ("result")) == NULL ||
      (str_done = PyUnicode_InternFromString ("done")) == NULL ||
      (str_set_result = PyUnicode_InternFromString ("set_result")) == NULL ||
      (str_gcoro_future = PyUnicode_InternFromString ("_gcoro_future")) == NULL ||
      (kwnames_loop = PyTuple_Pack (1, str_loop)) == NULL)
    return NULL;
  if (PyType_Ready (&AwaiterType) < 0)
    return NULL;
  return PyModule_Create (&accel_module);
}
