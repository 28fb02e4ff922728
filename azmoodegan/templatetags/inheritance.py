"""`{% extends %}` that finds the root template's blocks once per compiled template.

Django's ExtendsNode walks the whole node tree of the root template (base.html: header, menu, footer)
on every render to collect its `{% block %}` nodes: about 40 µs on every page that extends it, although
a compiled template never changes. Here the blocks are collected once and kept on the compiled root
template (a template edited in development is compiled anew, so it is walked anew).

A template builtin (TEMPLATES' `builtins` in settings.py): loaded after Django's own, it replaces the
`extends` tag everywhere, with the same syntax and output.
"""

from __future__ import annotations

from django import template
from django.template.base import TextNode
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockContext, BlockNode
from django.template.loader_tags import ExtendsNode as DjangoExtendsNode
from django.template.loader_tags import do_extends as django_do_extends

register = template.Library()


def root_blocks(compiled) -> dict | None:
    """{name: BlockNode} of `compiled` when it is a root template (extends nothing), else None."""
    try:
        return compiled.__dict__["_az_root_blocks"]
    except KeyError:
        pass
    blocks = None
    for node in compiled.nodelist:
        # The ExtendsNode has to be the first non-text node.
        if not isinstance(node, TextNode):
            if not isinstance(node, DjangoExtendsNode):
                blocks = {n.name: n for n in compiled.nodelist.get_nodes_by_type(BlockNode)}
            break
    compiled.__dict__["_az_root_blocks"] = blocks
    return blocks


class ExtendsNode(DjangoExtendsNode):
    def render(self, context):
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        # Add the block nodes from this node to the block context
        block_context.add_blocks(self.blocks)
        # If this block's parent doesn't have an extends node it is the root,
        # and its block nodes also need to be added to the block context.
        blocks = root_blocks(compiled_parent)
        if blocks is not None:
            block_context.add_blocks(blocks)
        # Call Template._render explicitly so the parser context stays the same.
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)


@register.tag("extends")
def do_extends(parser, token):
    """`{% extends "name" %}` or `{% extends variable %}`, as Django's."""
    node = django_do_extends(parser, token)
    return ExtendsNode(node.nodelist, node.parent_name)
