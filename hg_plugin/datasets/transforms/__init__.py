from .channel_scale import RandomChannelScale

__all__ = ['RandomChannelScale']
