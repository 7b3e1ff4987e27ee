import { Route, Switch } from "wouter";
import { Layout } from "./components/Layout";
import { Account } from "./pages/Account";
import { Channels } from "./pages/Channels";
import { Login } from "./pages/Login";
import { Maintenance } from "./pages/Maintenance";
import { MonitorDetail } from "./pages/MonitorDetail";
import { MonitorForm } from "./pages/MonitorForm";
import { Nodes } from "./pages/Nodes";
import { NotFound } from "./pages/NotFound";
import { Overview } from "./pages/Overview";
import { StatusPageSettings } from "./pages/StatusPageSettings";
import { Users } from "./pages/Users";
import { SessionProvider, useSession } from "./session";

function Routes() {
  const { user } = useSession();
  if (user === undefined) {
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  }
  if (user === null) return <Login />;
  return (
    <Layout>
      <Switch>
        <Route path="/" component={Overview} />
        <Route path="/monitors/new">{() => <MonitorForm id={null} />}</Route>
        <Route path="/monitors/:id/edit">{(p) => <MonitorForm id={Number(p.id)} />}</Route>
        <Route path="/monitors/:id">{(p) => <MonitorDetail id={Number(p.id)} />}</Route>
        <Route path="/channels" component={Channels} />
        <Route path="/maintenance" component={Maintenance} />
        <Route path="/nodes" component={Nodes} />
        <Route path="/users" component={Users} />
        <Route path="/account" component={Account} />
        <Route path="/status-page" component={StatusPageSettings} />
        <Route component={NotFound} />
      </Switch>
    </Layout>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Routes />
    </SessionProvider>
  );
}
