from azmoodegan.exceptions import DomainError


class AccountError(DomainError):
    """A rule about accounts or expert profiles was broken."""
