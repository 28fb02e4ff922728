from azmoodegan.exceptions import DomainError


class HomeError(DomainError):
    pass
