"""Clinical knowledge as data: schema, validation, and the shipped knowledge base."""

from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.knowledge.loader import build_knowledge, default_knowledge, load_knowledge

__all__ = ["KnowledgeBase", "build_knowledge", "default_knowledge", "load_knowledge"]
