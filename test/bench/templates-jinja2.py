#!/usr/bin/env python3
"""The Python seed's template stage, for test/bench/templates.mjs: the same work as
`entrypoint -t T -o O -j J -- true` (Jinja2, StrictUndefined, keep_trailing_newline, the do
extension, walk the tree, mirror directories, skip existing files, copy owner and mode, then
exec the command).

  templates-jinja2.py TEMPLATES OUTPUT JINJA COMMAND...
"""
import os
import shutil
import sys

import jinja2


def main():
    template_root, output_root, jinja_root, *command = sys.argv[1:]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([template_root, jinja_root]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        extensions=['jinja2.ext.do'],
    )
    variables = dict(os.environ)
    for dirpath, _dirs, files in os.walk(template_root):
        rel = os.path.relpath(dirpath, template_root)
        out_dir = os.path.normpath(os.path.join(output_root, rel))
        if not os.path.exists(out_dir):
            os.mkdir(out_dir)
            st = os.stat(dirpath)
            os.chown(out_dir, st.st_uid, st.st_gid)
            shutil.copymode(dirpath, out_dir)
        for name in files:
            out = os.path.join(out_dir, name)
            if os.path.exists(out):
                continue
            src = os.path.join(dirpath, name)
            text = env.get_template(os.path.join(rel, name)).render(variables)
            with open(out, 'w') as f:
                f.write(text)
            st = os.stat(src)
            os.chown(out, st.st_uid, st.st_gid)
            shutil.copymode(src, out)
    os.execvp(command[0], command)


main()
