import JembatanShared

extension JembatanRequestContext {
    /// The account behind the bearer token, if any (the workspace calls with its session's token).
    var sessionAccount: Account? {
        if case .account(let account) = caller { return account }
        return nil
    }
}
