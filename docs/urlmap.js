// SPDX-FileCopyrightText: The glib-coro authors
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Where gi-docgen's links into other namespaces go: [class@Gio.Cancellable]
// becomes a link into https://docs.gtk.org/gio/. Keep in step with the
// [dependencies] of GCoro.toml.in.
baseURLs = [
  [ 'GLib', 'https://docs.gtk.org/glib/' ],
  [ 'GObject', 'https://docs.gtk.org/gobject/' ],
  [ 'Gio', 'https://docs.gtk.org/gio/' ],
]
