// provnet's GraphiQL: queries go to this page's own URL. Send a token from the
// Headers tab as {"Authorization": "Bearer <token>"}; headers are not saved in
// the browser, so a token does not outlive the tab.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: window.location.href.split("?")[0] });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    })
  );
})();
