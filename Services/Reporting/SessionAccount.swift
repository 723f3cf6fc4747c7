import JembatanShared

extension JembatanRequestContext {
    /// The account behind the session cookie (or a bearer header), if any: pages redirect to the
    /// sign-in page without one.
    var sessionAccount: Account? {
        if case .account(let account) = caller { return account }
        return nil
    }
}
